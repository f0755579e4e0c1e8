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
    If Not HasReport Then MsgBox NoReportMessage(), vbExclamation, AppTitle()
End Function

' Why no workbook can be checked: a workbook opened in Protected View is open, but it is not
' ActiveWorkbook (that is Nothing) until the clerk enables editing.
Public Function NoReportMessage() As String
    If InProtectedView() Then
        NoReportMessage = {{zh:这个工作簿在受保护的视图中打开：请先点黄色提示栏中的“启用编辑”，启用编辑后再校验。}}
    Else
        NoReportMessage = {{zh:请先打开要处理的年报工作簿。}}
    End If
End Function

' Late bound, so that a host without Protected View (Excel for Mac, LibreOffice) compiles it and
' answers False.
Private Function InProtectedView() As Boolean
    Dim host As Object
    On Error Resume Next
    Set host = Application
    InProtectedView = Not host.ActiveProtectedViewWindow Is Nothing
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
