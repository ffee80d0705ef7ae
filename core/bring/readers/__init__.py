"""One module per format. A *file reader* turns one file into one ``Doc`` (``read_file``); an
*export reader* turns one export (a file, a zip or a folder) into many (``claims`` and
``read_export``). See ``reverie.core.bring.doc`` for the contract."""
