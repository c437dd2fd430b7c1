' Prints the rows of an SQL query on an MSI database, one line per row, fields separated
' by "|": cscript msi_table.vbs PACKAGE.MSI "SELECT ... FROM ..." (Wine's msi answers it
' too). The test reads back what wixl compiled: sequence numbers, custom action types.
Set installer = CreateObject("WindowsInstaller.Installer")
Set database = installer.OpenDatabase(WScript.Arguments(0), 0)
Set view = database.OpenView(WScript.Arguments(1))
view.Execute
Set record = view.Fetch
Do While Not record Is Nothing
  line = record.StringData(1)
  For field = 2 To record.FieldCount
    line = line & "|" & record.StringData(field)
  Next
  WScript.Echo line
  Set record = view.Fetch
Loop
