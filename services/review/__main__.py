from plumbing.logging import configure
from plumbing.runtime import serve
from plumbing.settings import ServiceSettings
from services.review.bootstrap import create_app

settings = ServiceSettings(service="review")
configure("review", json=settings.log_json)
serve(create_app(settings), settings)
