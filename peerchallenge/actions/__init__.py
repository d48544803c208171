"""An authority's actions in answer to its released letter, and last year's beside this year's work."""
