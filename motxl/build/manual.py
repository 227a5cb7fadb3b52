"""The French text of the workbook's "Mode d'emploi" sheet, as (look, text) lines.

The examples placed on purpose (findings the example figures cause beyond the seed's own) and
the seed's own warnings are passed in, so the sheet names exactly what Validate will show.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from motxl.core.findings import RULES, Finding

XLWINGS_CONF = "xlwings.conf"


def _finding_line(finding: Finding) -> str:
    return f"Ligne {finding.row} (cellule {finding.cell}) : {RULES[finding.rule].title} — " \
           f"{finding.message}"


def manual_lines(*, workbook_name: str, xlwings_version: str, year: int | None,
                 examples: Iterable[Finding], seed_warnings: Iterable[Finding],
                 interpreter_cells: dict[str, str],
                 situation_section: Iterable[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """The sheet's lines, top to bottom: (look, text); look is title/section/text/item/code/alert.

    ``interpreter_cells`` maps the xlwings.conf keys to their value cells ('Interpreter_Win' →
    'B1').
    """
    year_text = f" {year}" if year else ""
    win_cell = interpreter_cells["Interpreter_Win"]
    mac_cell = interpreter_cells["Interpreter_Mac"]
    lines: list[tuple[str, str]] = [
        ("title", f"Mode d'emploi — Programme de travail{year_text} de la MOT"),
        ("text", f"Ce classeur ({workbook_name}) contient le programme de travail (onglet "
                 "« Programme ») et trois boutons qui lancent motxl, un outil écrit en Python, "
                 "par l'intermédiaire de xlwings."),
        ("alert", "LES CHIFFRES DE L'ONGLET « PROGRAMME » SONT DES EXEMPLES : responsables, "
                  "financements, jours, budgets, dépenses, statuts, échéances et commentaires "
                  "(colonnes C à K) sont fictifs. Ils servent seulement à montrer une synthèse "
                  "remplie. Remplacez-les par les vôtres, ou effacez-les, avant tout usage réel."),
        ("", ""),
        ("section", "Les boutons (en haut de l'onglet « Programme »)"),
        ("item", "« Valider » : contrôle l'onglet « Programme » (codes, libellés, montants, "
                 "statuts, financements, échéances) et écrit la liste des remarques dans "
                 "l'onglet « Contrôles », les erreurs d'abord. Chaque cellule citée est un lien "
                 "vers la ligne concernée. S'il y a une erreur, la première est sélectionnée "
                 "dans l'onglet « Programme ». Valider ne modifie jamais l'onglet « Programme »."),
        ("item", "« Actualiser la synthèse » : recalcule et réécrit les onglets « Synthèse » "
                 "(totaux par axe, objectif, financement, frontière et statut, graphiques), "
                 "« Suivi » (une ligne par action, avec ses alertes) et « Contrôles ». Ces trois "
                 "onglets sont entièrement réécrits à chaque fois : n'y saisissez rien. Chaque "
                 "actualisation enregistre aussi la situation (actions, jours et euros prévus "
                 "et réalisés par axe) dans l'onglet « Historique » : une actualisation le même "
                 "jour remplace celle de ce jour, les autres lignes sont conservées."),
        ("item", "« Comparer… » : demande l'ancienne version du programme (un autre classeur) "
                 "et écrit l'onglet « Comparaison » : écarts par axe et par financement, puis "
                 "les actions ajoutées, supprimées, déplacées, reformulées et modifiées."),
        ("item", "« Diagnostic » : affiche le Python utilisé, les versions de motxl et de "
                 "xlwings et l'emplacement du classeur. Joignez ce message à toute demande "
                 "d'aide."),
        ("text", "Pendant le calcul, la barre d'état d'Excel indique ce que fait motxl ; un "
                 "message s'affiche à la fin. En cas de problème, le message dit quoi faire."),
        *situation_section,
        ("", ""),
        ("section", "Saisir le programme"),
        ("item", "Une ligne par action, sous sa rubrique. La colonne « Axe » porte le code : "
                 "1 pour un axe, 1.1 pour un objectif, 1.1.1 pour un sous-objectif. La première "
                 "ligne d'un code est le titre de la rubrique (en couleur) ; les lignes suivantes "
                 "portant le même code sont ses actions."),
        ("item", "Les lignes de titre (axes, objectifs, sous-objectifs) ne portent ni jours ni "
                 "montants : ils seraient comptés deux fois."),
        ("item", "« Financement » et « Statut » se choisissent dans une liste ; « Échéance » est "
                 f"une date{f' de {year}' if year else ''} ; jours et euros sont des nombres "
                 "positifs ou nuls, sans unité."),
        ("", ""),
        ("section", "Ce que Valider signale sur ce classeur"),
    ]
    examples = list(examples)
    if examples:
        lines.append(("text", "Exemples placés volontairement dans les chiffres d'exemple, pour "
                              "montrer l'onglet « Contrôles » (à supprimer avec les exemples) :"))
        lines += [("item", _finding_line(f)) for f in examples]
    else:
        lines.append(("text", "Les chiffres d'exemple ne provoquent aucune remarque."))
    seed_warnings = list(seed_warnings)
    if seed_warnings:
        lines.append(("text", "Ces avertissements viennent du programme d'origine tel qu'il a "
                              "été fourni ; corrigez-les si vous le souhaitez :"))
        lines += [("item", _finding_line(f)) for f in seed_warnings]
    lines += [
        ("", ""),
        ("section", "Où trouver motxl"),
        ("item", "motxl est livré avec ce classeur : c'est le dossier « motxl » (le dépôt du "
                 "projet, ou son archive .zip) qui contient workbook\\" + workbook_name + ". Si "
                 "vous n'avez reçu que le classeur, demandez le dossier complet à la personne qui "
                 "vous l'a transmis, et décompressez-le dans un dossier à vous (par exemple "
                 "Documents\\motxl)."),
        ("item", "Les commandes ci-dessous s'y tapent, dans PowerShell (Windows) "
                 "ou un Terminal (macOS) ouverts dans ce dossier. Sans Excel, la commande "
                 "« motxl » fait le même travail que les boutons (motxl --help)."),
        ("", ""),
        ("section", "Installation sous Windows (une seule fois)"),
        ("item", "1. Installez Python 3.10 ou plus récent (python.org)."),
        ("item", "2. Dans PowerShell, dans le dossier de motxl, tapez ces deux commandes :"),
        ("code", "py -m venv .venv"),
        ("code", ".venv\\Scripts\\python -m pip install -e ."),
        ("item", f"   Cela crée l'environnement .venv et y installe motxl et xlwings "
                 f"{xlwings_version}, la version exacte que demandent les macros de ce classeur."),
        ("item", f"3. Copiez dans la cellule {win_cell} (Interpreter_Win) de l'onglet masqué "
                 f"« {XLWINGS_CONF} » (voir plus bas comment l'afficher) le chemin qu'affiche "
                 "cette commande :"),
        ("code", '.venv\\Scripts\\python -c "import sys; print(sys.executable)"'),
        ("item", "4. Ouvrez le classeur, cliquez sur « Activer le contenu », puis sur le bouton "
                 "« Diagnostic » : un message doit afficher les versions."),
        ("", ""),
        ("section", "Installation sous macOS (une seule fois)"),
        ("item", "1. Installez Python 3.10 ou plus récent, puis dans le Terminal, dans le "
                 "dossier de motxl :"),
        ("code", "python3 -m venv .venv && . .venv/bin/activate && python -m pip install -e ."),
        ("item", "2. Toujours dans le Terminal (autorise Excel à lancer Python) :"),
        ("code", "xlwings runpython install"),
        ("item", "3. Affichez le chemin de Python avec la commande ci-dessous et copiez-le dans "
                 f"la cellule {mac_cell} (Interpreter_Mac) de l'onglet masqué "
                 f"« {XLWINGS_CONF} » (voir plus bas comment l'afficher) :"),
        ("code", 'python -c "import sys; print(sys.executable)"'),
        ("item", "4. Ouvrez le classeur, activez les macros, cliquez sur « Diagnostic ». Sur "
                 "macOS, Excel n'attend pas Python : le message arrive quand le calcul est "
                 "fini."),
        ("", ""),
        ("section", "Si Office bloque les macros"),
        ("item", "Message « Microsoft a bloqué l'exécution des macros, car la source de ce "
                 "fichier n'est pas approuvée » (fichier téléchargé ou reçu par courriel) : "
                 "fermez le classeur, faites un clic droit sur le fichier > Propriétés, cochez "
                 "« Débloquer » en bas de l'onglet Général, cliquez sur OK, puis rouvrez-le."),
        ("item", "Ou bien placez le classeur dans un emplacement approuvé : Fichier > Options > "
                 "Centre de gestion de la confidentialité > Paramètres du Centre de gestion de la "
                 "confidentialité > Emplacements approuvés > Ajouter un nouvel emplacement."),
        ("item", "Barre jaune « Avertissement de sécurité » : cliquez sur « Activer le contenu ». "
                 "Les macros de ce classeur ne sont pas signées : c'est normal, il est "
                 "reconstruit à partir de ses sources."),
        ("", ""),
        ("section", f"Si Python n'est pas trouvé (onglet « {XLWINGS_CONF} »)"),
        ("item", f"L'onglet « {XLWINGS_CONF} » est masqué (il ne s'imprime pas) : pour "
                 "l'afficher, clic droit sur un nom d'onglet > Afficher… > « xlwings.conf ». "
                 "Masqué ou non, xlwings le lit."),
        ("item", f"Quand la cellule {win_cell} (Interpreter_Win) est vide, xlwings lance la "
                 "commande « python » du PATH, où motxl n'est pas installé si vous avez suivi "
                 "l'installation ci-dessus."),
        ("item", f"Écrivez donc dans {win_cell} le chemin complet de python.exe de "
                 "l'environnement, par exemple C:\\Users\\nom\\motxl\\.venv\\Scripts\\python.exe "
                 f"(et, sur Mac, dans {mac_cell}, le chemin affiché à l'étape 3)."),
        ("item", f"L'onglet doit garder exactement le nom « {XLWINGS_CONF} » ; n'y ajoutez pas "
                 "d'autres lignes en colonne A."),
        ("", ""),
        ("section", "Le classeur et ses sources"),
        ("item", "Ce classeur est construit par la commande « motxl build-workbook » à partir des "
                 "fichiers texte du dépôt motxl (workbook/source pour le programme et les "
                 "exemples, motxl/vba pour les macros). Alt+F11 montre les modules motxl et "
                 "xlwings."),
        ("item", "La reconstruction repart du programme d'origine et des exemples : vos saisies "
                 "ne sont pas reprises. Travaillez dans une copie du classeur."),
    ]
    return lines


def situation_lines(*, date_cell: str, situation: dt.date, story: dict[str, int],
                    actions: int) -> list[tuple[str, str]]:
    """The "date de situation" section: where the date is, what it changes, and the story the
    example figures tell at that date (``story``: counts by state of motxl.core.situation)."""
    late_share = round(100 * story.get("late", 0) / actions) if actions else 0
    return [
        ("", ""),
        ("section", "La date de situation"),
        ("item", f"La cellule {date_cell} de l'onglet « Programme » (à droite des boutons, nom "
                 "défini « DateSituation ») porte la date à laquelle le programme est regardé : "
                 "« Situation au … » dans les titres et en-têtes d'impression, actions en retard "
                 "(échéance passée, ni réalisée ni abandonnée), échéances proches (30 jours), "
                 "actions non démarrées. Videz-la pour utiliser la date du jour ; en ligne de "
                 "commande, --as-of 31/10/2023 la remplace."),
        ("item", "Dans l'onglet « Suivi », chaque action a une couleur, selon cet ordre de "
                 "priorité : gris abandonnée, orange en attente, rouge en retard ou en "
                 "dépassement, vert réalisée, orange échéance proche, bleu non démarrée ; chaque "
                 "indicateur garde aussi sa colonne pour filtrer."),
        ("item", f"L'histoire des exemples au {situation:%d/%m/%Y} : {story.get('done', 0)} "
                 f"actions réalisées, {story.get('under_way', 0) + story.get('due_soon', 0)} "
                 f"en cours ou à échéance proche, {story.get('late', 0)} en retard "
                 f"({late_share} % des {actions} actions), {story.get('not_started', 0)} pas "
                 "encore lancées (échéance en décembre), "
                 f"{story.get('pending', 0)} en attente (en orange) et "
                 f"{story.get('abandoned', 0)} abandonnée(s), "
                 f"{story.get('over', 0)} en dépassement. Cliquez sur « Actualiser la "
                 "synthèse » pour le voir."),
    ]


#: Printable height of a manual page (A4 landscape, 0.6" margins, header and footer), points.
PAGE_HEIGHT = 450.0


def page_breaks(lines: list[tuple[str, str]], heights: list[float],
                page_height: float = PAGE_HEIGHT) -> list[int]:
    """Rows before which a page starts, so that no section title ends a page.

    A section moves to a new page when it does not fit in what is left of the current one,
    unless it could not fit on any page; then only its title and first two lines are kept
    together. Blank lines ahead of a section go with it.
    """
    breaks: list[int] = []
    used = 0.0
    index = 0
    while index < len(lines):
        look = lines[index][0]
        if look == "section" or (look == "" and index + 1 < len(lines)
                                 and lines[index + 1][0] == "section"):
            start = index + 1 if look == "" else index
            end = next((j for j in range(start + 1, len(lines)) if lines[j][0] == "section"
                        or (lines[j][0] == "" and j + 1 < len(lines)
                            and lines[j + 1][0] == "section")), len(lines))
            whole = sum(heights[start:end])
            head = sum(heights[start:min(end, start + 3)])
            needed = whole if whole <= page_height else head
            if used and used + sum(heights[index:start]) + needed > page_height:
                breaks.append(start)  # the blank line before the section is dropped
                used = 0.0
                index = start
                continue
        if used + heights[index] > page_height:
            breaks.append(index)
            used = 0.0
        used += heights[index]
        index += 1
    return breaks
