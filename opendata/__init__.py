"""Open data: the programme's public datasets, releases and catalogue."""
