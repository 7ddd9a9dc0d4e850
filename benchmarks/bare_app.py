"""The reference: a bare Typer app with two commands that prints one rich line."""

import typer

app = typer.Typer()


@app.command()
def today() -> None:
    from rich.console import Console

    Console().print("[bold]today[/bold]: nothing planned")


@app.command()
def other() -> None:
    pass


if __name__ == "__main__":
    app()
