"""Run RCTab contest configs unchanged: US cast vote records in, RCTab's reports out."""
