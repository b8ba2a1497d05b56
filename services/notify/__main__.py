from plumbing.logging import configure
from plumbing.runtime import serve
from services.notify.bootstrap import create_app
from services.notify.settings import NotifySettings

settings = NotifySettings()
configure("notify", json=settings.log_json)
serve(create_app(settings), settings)
