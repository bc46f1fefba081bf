"""An editor's upload the site accepts (MARKDOWNX_UPLOAD_MAX_SIZE, 5 MB; README "For editors":
"at most 5 MB") gets through deploy/nginx.conf too, and so does an article's form carrying
several figures. The file set no client_max_body_size, so nginx's default of 1 MB applied:
through the cluster, a 2.1 MB PNG (0.7 megapixels) sent to the editor's Insert image was answered
by nginx with 413 and its HTML error page, and the editor's JSON never came. Past nginx's limit,
Insert image gets JSON it can show (static/admin/js/insert_image.js). A live upload through
nginx: tests/operations/test_cluster.py."""

import json
import re

from django.conf import settings

from tests.support.cluster import block, directives, filled_config

UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def body_limit(text):
    """nginx's client_max_body_size in bytes in `text` (0: no limit), nginx's default if none."""
    sizes = re.findall(r"client_max_body_size\s+(\d+)([kKmMgG]?);", directives(text))
    if not sizes:
        return 1024**2
    number, unit = sizes[-1]
    return int(number) * UNITS[unit.lower()]


def takes(limit, size):
    return limit == 0 or limit >= size


def test_nginx_takes_every_request_the_admin_accepts(tmp_path):
    config = filled_config(tmp_path)
    image = settings.MARKDOWNX_UPLOAD_MAX_SIZE
    fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    # The form around the file (CSRF token, multipart boundaries) needs a little more.
    assert takes(body_limit(block(config, "location = /admin/markdownx/upload/")), image + fields)
    # An article's form with as many figures as Django takes in one request, each of the size
    # the site stores.
    figures = settings.DATA_UPLOAD_MAX_NUMBER_FILES * image
    assert takes(body_limit(block(config, "location /admin/")), figures + fields)


def test_insert_image_gets_json_past_nginxs_limit(tmp_path):
    config = filled_config(tmp_path)
    upload = directives(block(config, "location = /admin/markdownx/upload/"))
    assert "error_page 413 = @upload_too_large;" in upload
    too_large = directives(block(config, "location @upload_too_large"))
    assert "default_type application/json;" in too_large
    answer = json.loads(re.search(r"return 413 '(.+)';", too_large)[1])
    assert "at most 5 MB" in answer["image"][0]
