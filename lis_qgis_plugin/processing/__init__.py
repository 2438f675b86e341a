"""The Processing provider ``lis`` and its algorithms."""
