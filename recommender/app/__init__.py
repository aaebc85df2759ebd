"""What people run: the command line, the terminal intake and batch processing."""
