from selfcare.cli import main

main()
