# escape=`
FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
USER ContainerAdministrator
RUN setx /m PATH "%PATH%;C:\app"
USER ContainerUser
