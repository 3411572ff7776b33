"""'Learn from this': the target, the cost of this example, one gradient step."""
