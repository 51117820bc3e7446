from saas_ctl.cli.main import main

main()
