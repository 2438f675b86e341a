"""The synthetic sample district the demo and the panel's sample button use."""
