print("planable-sync")
