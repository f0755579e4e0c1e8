Attribute VB_Name = "GovReport"
' govreport-xl: the ribbon callbacks of the tab defined in customUI14.xml.
' Each button runs Python on the workbook it was clicked in (RunPython of the xlwings module
' built into this add-in). Keep this file ASCII: text a clerk reads is written by Python, or
' here in zh placeholders, which the build turns into ChrW() calls that show right on every PC.
Option Explicit

Public Function AppTitle() As String
    AppTitle = {{zh:政务公开年报}}
End Function

Private Function HasReport() As Boolean
    HasReport = Not ActiveWorkbook Is Nothing
    If Not HasReport Then MsgBox {{zh:请先打开要处理的年报工作簿。}}, vbExclamation, AppTitle()
End Function

Sub Validate(control As Object)
    If HasReport() Then RunPython "import govreport_xl.addin as a; a.validate()"
End Sub

Sub ClearMarks(control As Object)
    If HasReport() Then RunPython "import govreport_xl.addin as a; a.clear()"
End Sub

Sub ExportJson(control As Object)
    If HasReport() Then RunPython "import govreport_xl.addin as a; a.export_json()"
End Sub
