from formcheck.app.cli import main

main()
