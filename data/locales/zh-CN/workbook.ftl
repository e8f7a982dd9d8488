# Workbook labels: sheet names, headers, labels.
