"""Event extraction: typing, fatalities, actors, dates, and the rows of the events table."""
