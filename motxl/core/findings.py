"""Finding types with French message templates, and the report Validate returns.

Modelled on frictionless-py: each rule has a stable id, a severity and a template; the report
can be ``flatten``-ed for one-line assertions and gives its exit code as ``int(not valid)``.
"""

from __future__ import annotations

from typing import Iterable, Literal, NamedTuple

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
SEVERITY_FR = {"error": "Erreur", "warning": "Avertissement", "info": "Information"}


class Rule(NamedTuple):
    id: str
    severity: Severity
    title: str  # short French name, shown in the checks tab
    template: str  # French message; fields in braces are filled per finding


_RULES = [
    Rule("code-format", "error", "Code invalide",
         "Le code « {code} » n'est pas de la forme 1, 1.1 ou 1.1.1 : corrigez-le."),
    Rule("code-orphan", "error", "Rubrique parente absente",
         "Le code {code} apparaît avant son {parent_level} {parent} : ajoutez la ligne {parent} "
         "au-dessus ou corrigez le code."),
    Rule("code-missing", "error", "Code manquant",
         "La ligne « {label} » n'a pas de code : indiquez l'axe, l'objectif ou le sous-objectif "
         "dont elle relève."),
    Rule("label-missing", "error", "Libellé manquant",
         "Le code {code} n'a pas de libellé : saisissez-le ou supprimez la ligne."),
    Rule("amount-on-heading", "error", "Montant sur une rubrique",
         "La ligne de titre {code} porte « {column_name} » = {value} : ce montant serait compté "
         "deux fois ; portez-le sur une action."),
    Rule("amount-invalid", "error", "Montant invalide",
         "« {column_name} » vaut « {value} » : {reason}"),
    Rule("status-unknown", "error", "Statut inconnu",
         "Le statut « {value} » n'existe pas : choisissez {choices}."),
    Rule("funding-unknown", "error", "Financement inconnu",
         "Le financement « {value} » n'existe pas : choisissez {choices}."),
    Rule("cell-error", "error", "Erreur Excel",
         "La cellule contient l'erreur Excel {value} : corrigez la formule ou la saisie."),
    Rule("code-number-ambiguous", "error", "Code numérique ambigu",
         "Le code {code} est saisi comme un nombre et cette ligne n'est ni sa rubrique ni une de "
         "ses actions (elle suit {after}) : Excel a pu effacer un zéro final ({code}0 lu "
         "{code}). Mettez la colonne {letter} au format Texte, puis retapez le code."),
    Rule("formula-no-result", "error", "Formule sans résultat",
         "« {column_name} » contient la formule {formula} sans résultat enregistré : la valeur "
         "est inconnue. Ouvrez le classeur dans Excel ou LibreOffice et enregistrez-le."),
    Rule("column-duplicate", "error", "Colonne en double",
         "Les cellules {cells} nomment toutes la colonne « {column_name} » : seule la "
         "première ({first}) est lue. Renommez ou supprimez les autres."),
    Rule("code-trailing-dot", "warning", "Point final dans le code",
         "Le code « {text} » se termine par un point ; il est lu comme {code}. "
         "Retirez le point final."),
    Rule("code-order", "warning", "Ordre des codes",
         "{detail}"),
    Rule("code-number", "warning", "Codes saisis comme nombres",
         "{count} code(s) de la colonne {letter} sont des nombres (premier : {code}) : ils sont "
         "lus comme du texte, mais Excel efface les zéros finaux (1.10 devient 1.1). Mettez la "
         "colonne au format Texte et retapez ces codes."),
    Rule("code-respelt", "warning", "Code mal saisi",
         "Le code « {text} » est lu comme {code} : retapez-le sans zéro en tête ni espace."),
    Rule("formula-no-result-text", "warning", "Formule sans résultat",
         "« {column_name} » contient la formule {formula} sans résultat enregistré : la cellule "
         "est lue vide. Ouvrez le classeur dans Excel ou LibreOffice et enregistrez-le."),
    Rule("person-spelling", "warning", "Responsable écrit de plusieurs façons",
         "Le responsable « {name} » est écrit de plusieurs façons : {variants}. Ses actions "
         "sont comptées ensemble sous « {name} » ; uniformisez l'orthographe."),
    Rule("programme-empty", "warning", "Programme sans action",
         "Le programme n'a aucune action ({what}) : les synthèses sont vides. Saisissez les "
         "actions sous leurs rubriques (une ligne par action, avec le code de sa rubrique)."),
    Rule("label-markup", "warning", "Balises dans le libellé",
         "Le libellé contient des balises ({tags}) ; elles sont ignorées dans les synthèses. "
         "Utilisez la mise en forme d'Excel plutôt que des balises."),
    Rule("axis-tag", "warning", "Étiquette d'axe absente",
         "L'axe {code} ne commence ni par [SOCLE] ni par [SUR-MESURE] : ses actions n'ont pas "
         "de financement par défaut."),
    Rule("overspent", "warning", "Dépassement",
         "« {column_name} » ({actual}) dépasse le prévu ({planned})."),
    Rule("deadline-invalid", "warning", "Échéance invalide",
         "L'échéance « {value} » {reason}"),
    Rule("duplicate-action", "warning", "Action en double",
         "L'action « {label} » figure déjà sous {code} (ligne {first_row}) : supprimez le "
         "doublon ou précisez le libellé."),
    Rule("history-value", "warning", "Historique illisible",
         "Onglet Historique : {detail}"),
    Rule("history-order", "info", "Historique dans le désordre",
         "Onglet Historique : la situation du {date} vient après celle du {previous} ; motxl "
         "remet les lignes dans l'ordre des dates à la prochaine actualisation."),
    Rule("column-ignored", "info", "Colonne ignorée",
         "La colonne « {text} » n'est pas lue (seule « {column_name} » l'est) : renommez-la "
         "« {column_name} » si c'est elle qu'il faut lire."),
    Rule("year-unknown", "info", "Année du programme inconnue",
         "Aucune année trouvée (ni dans l'en-tête « {label} », ni dans un titre au-dessus, ni "
         "dans le nom de la feuille ou du fichier) : les échéances ne sont pas comparées à "
         "l'année du programme. Indiquez-la avec --year AAAA ou dans l'en-tête "
         "(« PROGRAMME 2024 »)."),
    Rule("blank-row", "info", "Ligne vide",
         "{what} : sans effet sur les calculs, à supprimer si ce n'est pas voulu."),
]
RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES}


class Finding(NamedTuple):
    rule: str
    severity: Severity
    sheet: str
    cell: str
    row: int
    column: str
    message: str


def make_finding(rule_id: str, sheet: str, column: str, row: int, **params: object) -> Finding:
    rule = RULES[rule_id]
    # every field in Finding's order, in one C call (a large sheet makes thousands)
    return _new(Finding, (rule.id, rule.severity, sheet, f"{column}{row}", row, column,
                          rule.template.format(**params)))


_new = tuple.__new__


class ValidationReport(NamedTuple):
    source: str
    sheet: str
    findings: list[Finding]

    @property
    def valid(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)

    @property
    def counts(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    @property
    def exit_code(self) -> int:
        return int(not self.valid)

    def flatten(self, spec: Iterable[str] = ("rule", "cell")) -> list[list]:
        """[[rule, cell], ...]: compact rows for assertions and quick reading."""
        keys = list(spec)
        return [[getattr(f, key) for key in keys] for f in self.findings]

    def to_json_dict(self) -> dict:
        return {"source": self.source, "sheet": self.sheet, "valid": self.valid,
                "counts": self.counts,
                "findings": [f._asdict() for f in self.findings]}
