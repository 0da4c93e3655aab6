"""Small labelled IT tickets written for these tests: four categories, a dozen tickets each."""

from __future__ import annotations

TICKETS: dict[str, list[str]] = {
    "Access": [
        "cannot log in to my account, password expired this morning",
        "please reset my password for the vpn, locked out after three attempts",
        "new joiner needs access to the finance shared drive and the erp",
        "my account is locked, cannot sign in to outlook",
        "request access rights to the sales folder for a colleague",
        "two factor authentication code not arriving, unable to log in",
        "grant read access to the project sharepoint site",
        "password reset link does not work, still cannot log on",
        "remove access for a user who left the company last week",
        "need permission to open the hr reports database",
        "login fails with invalid credentials although password is correct",
        "please unlock my windows account, too many failed logins",
    ],
    "Hardware": [
        "laptop screen flickers and goes black after a few minutes",
        "keyboard keys stopped working on my desktop computer",
        "docking station does not charge the laptop anymore",
        "mouse is broken, the scroll wheel does not respond",
        "monitor shows no signal when connected with the hdmi cable",
        "laptop battery drains in one hour, needs replacement",
        "the desktop pc makes a loud noise from the fan and overheats",
        "headset microphone not detected by the laptop",
        "second monitor is not recognised by the docking station",
        "laptop does not power on after the update, power led blinks",
        "cracked laptop screen after a fall, need a repair",
        "usb ports on the computer stopped working",
    ],
    "Printing": [
        "printer on the second floor jams on every page",
        "cannot print to the network printer, job stays in the queue",
        "printer shows toner low, please replace the cartridge",
        "scanned documents from the printer do not arrive by email",
        "add the new colour printer to my laptop",
        "printouts come out blank from the office printer",
        "printer driver missing, cannot print pdf files",
        "the printer prints strange characters instead of the document",
        "paper tray of the printer is stuck and will not close",
        "print jobs take twenty minutes to come out",
        "please install the label printer for the warehouse",
        "double sided printing does not work on the copier",
    ],
    "Purchase": [
        "please order a new laptop for a new employee starting monday",
        "request to purchase two additional monitors for the design team",
        "need a quote for ten software licences for the accounting tool",
        "purchase order for a replacement headset, approved by my manager",
        "order a new mobile phone for the sales representative",
        "buy a licence for the pdf editor for my team",
        "please raise a purchase request for ergonomic keyboards",
        "we need to buy a projector for the meeting room",
        "order toner supplies in bulk for the next quarter",
        "request to renew the annual subscription of the design software",
        "approve the invoice for the new docking stations we ordered",
        "procure three tablets for the field technicians",
    ],
}


def texts_and_labels() -> tuple[list[str], list[str]]:
    """Every ticket as (texts, labels)."""
    texts = [text for tickets in TICKETS.values() for text in tickets]
    labels = [label for label, tickets in TICKETS.items() for _ in tickets]
    return texts, labels


UNSEEN: list[tuple[str, str]] = [
    ("forgot my password and now my account is locked", "Access"),
    ("the laptop screen is black and the keyboard does not respond", "Hardware"),
    ("printer jams and the print queue is stuck", "Printing"),
    ("please order and buy a new monitor, purchase approved", "Purchase"),
]
