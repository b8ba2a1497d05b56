from plumbing.logging import configure
from plumbing.runtime import serve
from plumbing.settings import ServiceSettings
from services.intake.bootstrap import create_app

settings = ServiceSettings(service="intake")
configure("intake", json=settings.log_json)
serve(create_app(settings), settings)
