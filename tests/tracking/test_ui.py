"""Where to look at runs: the mlflow ui command for a local store, the experiment's runs page."""

from cathodeml.tracking.ui import experiment_page, ui_command, where_to_look


def test_a_local_store_gets_the_command_and_the_local_page():
    uri = "sqlite:////home/u/.local/share/cathodeml/runs/mlflow.db"
    assert ui_command(uri) == f"mlflow ui --backend-store-uri {uri}"
    assert experiment_page(uri, "3") == "http://127.0.0.1:5000/#/experiments/3/runs"
    assert where_to_look(uri, "3") == f"look at the runs: mlflow ui --backend-store-uri {uri}, then open http://127.0.0.1:5000/#/experiments/3/runs"


def test_a_server_is_its_own_ui_and_its_password_is_not_printed():
    uri = "https://ana:s3cret@mlflow.lab.example/"
    assert ui_command(uri) is None
    page = where_to_look(uri, "7")
    assert page == "look at the runs: https://ana:***@mlflow.lab.example/#/experiments/7/runs" and "s3cret" not in page
