#!/usr/bin/env python3
"""A Facebo/Soundc-style client, written the way their documents show it (requests, the raw key in
Authorization, a JSON body, a streamed response written to a file), pointed at twdown.

    python3 tests/python/client.py BASE_URL API_KEY POST_URL OUTPUT.mp3

Lists the post's media items, then downloads seconds 10-15 of its first video as a 192 kbps MP3.
Exit status 0 on success, 1 on any error (printed).
"""
import sys

import requests


def main(base_url, api_key, post_url, output):
    headers = {
        "Authorization": api_key,
        "Content-Type": "application/json",
    }
    r = requests.post(url=base_url + "/api/download", headers=headers, json={"url": post_url})
    if r.status_code != 200:
        print(f"Error: {r.status_code} - {r.text}")
        return 1
    data = r.json()
    for item in data.get("items", []):
        print(f"Type: {item['type']}, URL: {item['url']}")

    r = requests.post(
        url=base_url + "/api/convert/mp3",
        headers=headers,
        json={
            "url": post_url,
            "options": {
                "audio_quality": "192",
                "start_time": 10,
                "end_time": 15,
            },
        },
        stream=True,
    )
    if r.status_code != 200:
        print(f"Error: {r.status_code} - {r.text}")
        return 1
    with open(output, "wb") as f:
        for chunk in r.iter_content(chunk_size=8192):
            f.write(chunk)
    print(f"Downloaded {output}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 5:
        print(__doc__)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
