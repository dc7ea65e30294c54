from gridline.cli import app

app()
