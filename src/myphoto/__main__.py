from myphoto.cli import main

main()
