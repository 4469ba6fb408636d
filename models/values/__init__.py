"""Pure values: moments and dates, text, phone numbers, validation, greetings, and the
vocabulary of statuses, channels and signals. Nothing here touches the database.
"""
