"""`python -m recommender` runs the backplan command line."""

from recommender.app.cli import main

if __name__ == "__main__":
    main()
