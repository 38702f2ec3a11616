from drafter.cli import run

run()
