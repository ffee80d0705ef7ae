from reverie.app.cli import main

raise SystemExit(main())
