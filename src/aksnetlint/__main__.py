from aksnetlint.cli import main

raise SystemExit(main())
