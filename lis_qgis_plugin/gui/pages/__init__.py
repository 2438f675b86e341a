"""The pages of the LIS panel: each collects the choices for one step and runs its Processing algorithm."""
