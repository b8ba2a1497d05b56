from plumbing.logging import configure
from plumbing.runtime import serve
from services.intake.bootstrap import create_app
from services.intake.settings import IntakeSettings

settings = IntakeSettings()
configure("intake", json=settings.log_json)
serve(create_app(settings), settings)
