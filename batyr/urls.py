app_name = "batyr"
urlpatterns = []
