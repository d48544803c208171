"""An authority's own grades for Ofsted's judgement areas (per cycle, with its self-assessment), and its
inspections (per authority): the one record of inspection outcomes."""
