"""Inputs shared by the solver's tests."""

EASTERN = [
    "Bedford Borough",
    "Cambridgeshire",
    "Central Bedfordshire",
    "Essex",
    "Hertfordshire",
    "Luton",
    "Norfolk",
    "Peterborough",
    "Southend-on-Sea",
    "Suffolk",
    "Thurrock",
]
