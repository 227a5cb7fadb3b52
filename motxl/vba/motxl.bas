Attribute VB_Name = "motxl"
' motxl: the macros behind the buttons of the programme workbook.
'
' Each button runs one function of the Python module motxl.faces.excel through
' xlwings' RunPython (module "xlwings" of this project, same version as the
' xlwings package installed with motxl). Python does the work and reports to the
' user in French; these macros only start it.
'
' Source of truth: motxl/vba/motxl.bas in the motxl repository. The workbook is
' rebuilt from it by "motxl build-workbook": edit this file, not the workbook.
Option Explicit

' Shown when Python could not be started or stopped on an error (Windows only:
' on macOS RunPython does not wait for Python).
Private Const CONSEIL As String = "motxl n'a pas pu s'exécuter." & vbCrLf & vbCrLf & _
    "Vérifiez que Python et motxl sont installés (onglet « Mode d'emploi ») " & _
    "puis cliquez sur le bouton Diagnostic." & vbCrLf & _
    "Si Python n'est pas trouvé, indiquez son chemin complet dans l'onglet « xlwings.conf »."

' Button "Valider": checks the Programme sheet and lists the findings on the Contrôles sheet.
Public Sub Valider()
    If RunPython("import motxl.faces.excel; motxl.faces.excel.validate()") = -1 Then Conseiller
End Sub

' Button "Actualiser la synthèse": rewrites the Synthèse, Suivi and Contrôles sheets.
Public Sub ActualiserSynthese()
    If RunPython("import motxl.faces.excel; motxl.faces.excel.refresh_summary()") = -1 Then Conseiller
End Sub

' Button "Diagnostic": shows the Python interpreter, the motxl and xlwings versions and the
' workbook's path.
Public Sub Diagnostic()
    If RunPython("import motxl.faces.excel; motxl.faces.excel.diagnose()") = -1 Then Conseiller
End Sub

' Button "Comparer...": asks for the earlier version of the programme (Excel's file dialog) and
' writes the Comparaison sheet.
Public Sub Comparer()
    Dim chemin As Variant
#If Mac Then
    chemin = Application.GetOpenFilename()
#Else
    chemin = Application.GetOpenFilename("Classeurs Excel (*.xlsx;*.xlsm),*.xlsx;*.xlsm", , _
        "Choisir l'ancienne version du programme")
#End If
    If VarType(chemin) = vbBoolean Then Exit Sub
    If RunPython(AvecChemin("import motxl.faces.excel; motxl.faces.excel.compare_with()", _
        CStr(chemin))) = -1 Then Conseiller
End Sub

' ("f()", "C:\a") -> "f(67,58,92,97)": the path as the UTF-16 code of each character, digits
' and commas being the only form that crosses cmd.exe and AppleScript unchanged (see
' motxl.faces.excel).
Private Function AvecChemin(appel As String, chemin As String) As String
    Dim i As Long, codes As String
    For i = 1 To Len(chemin)
        If i > 1 Then codes = codes & ","
        codes = codes & CStr(AscW(Mid$(chemin, i, 1)) And &HFFFF&)
    Next i
    AvecChemin = Left$(appel, Len(appel) - 1) & codes & ")"
End Function

Private Sub Conseiller()
    MsgBox CONSEIL, vbExclamation, "motxl"
End Sub
