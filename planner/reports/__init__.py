"""Above single meetings: the staff's to-do list and the statistics of the meetings held."""
