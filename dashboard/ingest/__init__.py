"""Reading articles from files into Article values."""
