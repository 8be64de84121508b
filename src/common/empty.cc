// Placeholder translation unit for a concern that has only headers so far (removed once all land).
