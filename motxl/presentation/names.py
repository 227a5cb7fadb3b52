"""The names of the tabs motxl owns in the programme workbook."""

SYNTHESE = "Synthèse"
SUIVI = "Suivi"
CONTROLES = "Contrôles"
OWN_TABS = (SYNTHESE, SUIVI, CONTROLES)
