from postlint.command import run_as_command

run_as_command()
