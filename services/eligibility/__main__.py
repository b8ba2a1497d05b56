from plumbing.logging import configure
from plumbing.runtime import serve
from plumbing.settings import ServiceSettings
from services.eligibility.bootstrap import create_app

settings = ServiceSettings(service="eligibility")
configure("eligibility", json=settings.log_json)
serve(create_app(settings), settings)
