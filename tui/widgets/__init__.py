"""The dashboard's widgets: the client list, the log, the risk pane, fields and pickers."""
