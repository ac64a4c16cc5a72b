"""The printed matter of a meeting: the programme booklet, badges, place cards, the seating chart and
the attendance sheet (PDF through typst), and the seats of the hall."""
