"""Importers: turn source data files (in `sources/`) into RDF files under `data/`.

Each importer reads one kind of source file and raises `apwps.errors.ImportDataError`, naming the
sheet, row and column, when the file does not have the expected shape.
"""
