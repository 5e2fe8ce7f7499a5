"""The documents: where they live, how they are read, what they must hold, and the report of their faults."""
