"""What leaves the app as a file: CSV today (figures and exports to come), from the same builders."""
