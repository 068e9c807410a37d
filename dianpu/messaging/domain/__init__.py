"""Pure: the notification kinds, their variables and default texts in both languages."""
